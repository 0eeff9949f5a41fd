import { useEffect, useState } from 'react';
import type { Connection } from '../../../../shared/domain/connection';

/**
 * M3 company and division: every M3 call sends them (`;cono=`/`;divi=`), so a multi-company tenant
 * is read in the company the analyst means, not the service account's default. Saved on blur.
 */
export function InforM3Settings({
  connection,
  onSettings,
}: {
  connection: Connection;
  onSettings(settings: { m3Company: string; m3Division: string }): void;
}) {
  const savedCompany = String(connection.settings.m3Company ?? '');
  const savedDivision = String(connection.settings.m3Division ?? '');
  const [company, setCompany] = useState(savedCompany);
  const [division, setDivision] = useState(savedDivision);
  useEffect(() => setCompany(savedCompany), [savedCompany]);
  useEffect(() => setDivision(savedDivision), [savedDivision]);
  const save = () => {
    if (company.trim() === savedCompany && division.trim() === savedDivision) return;
    onSettings({ m3Company: company.trim(), m3Division: division.trim().toUpperCase() });
  };
  return (
    <div className="kv-row">
      <dt>Company / division</dt>
      <dd>
        <input
          className="input narrow"
          aria-label="M3 company"
          data-testid="m3-company"
          inputMode="numeric"
          maxLength={3}
          placeholder="default"
          value={company}
          onChange={(event) => setCompany(event.target.value.replace(/\D/g, ''))}
          onBlur={save}
        />{' '}
        <input
          className="input narrow"
          aria-label="M3 division"
          data-testid="m3-division"
          maxLength={3}
          placeholder="default"
          value={division}
          disabled={company.trim() === ''}
          title={company.trim() === '' ? 'A division goes only with a company' : undefined}
          onChange={(event) => setDivision(event.target.value)}
          onBlur={save}
        />
      </dd>
    </div>
  );
}
