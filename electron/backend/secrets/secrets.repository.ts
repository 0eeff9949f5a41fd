import type { Db } from '../store/database';

/** Encrypted secret values per connection and slot (table `connection_secrets`); the vault encrypts and decrypts. */
export interface SecretsRepository {
  /** Ciphertexts by slot; `null` deletes the slot. All or none. */
  putMany(connectionId: string, ciphertexts: Record<string, string | null>): void;
  get(connectionId: string, slot: string): string | undefined;
  slots(connectionId: string): string[];
  remove(connectionId: string, slot: string): boolean;
}

export class SqliteSecretsRepository implements SecretsRepository {
  constructor(private readonly db: Db) {}

  putMany(connectionId: string, ciphertexts: Record<string, string | null>): void {
    const upsert = this.db.prepare(
      `INSERT INTO connection_secrets (connection_id, slot, ciphertext, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (connection_id, slot) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      const now = new Date().toISOString();
      for (const [slot, ciphertext] of Object.entries(ciphertexts)) {
        if (ciphertext === null) this.remove(connectionId, slot);
        else upsert.run(connectionId, slot, ciphertext, now);
      }
    })();
  }

  get(connectionId: string, slot: string): string | undefined {
    const row = this.db
      .prepare('SELECT ciphertext FROM connection_secrets WHERE connection_id = ? AND slot = ?')
      .get(connectionId, slot) as { ciphertext: string } | undefined;
    return row?.ciphertext;
  }

  slots(connectionId: string): string[] {
    return (
      this.db
        .prepare('SELECT slot FROM connection_secrets WHERE connection_id = ? ORDER BY slot')
        .all(connectionId) as Array<{ slot: string }>
    ).map((row) => row.slot);
  }

  remove(connectionId: string, slot: string): boolean {
    return (
      this.db.prepare('DELETE FROM connection_secrets WHERE connection_id = ? AND slot = ?').run(connectionId, slot)
        .changes > 0
    );
  }
}
