import type { JsonObject, JsonValue, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { cin7Get } from './cin7-http';

interface Product {
  id: string;
  name: string;
}

/**
 * Products by SKU, so a purchase line mapped from an Infor item number (`SKU`) reaches Cin7 with
 * the `ProductID` its line model names. Loaded in full on first use (`GET /product`, 1,000 per
 * page: one call per 1,000 products, not one per line, under the 60-a-minute limit) and asked
 * again only for a SKU it has not seen (a product added since).
 */
export class Cin7ProductCatalog {
  private readonly bySku = new Map<string, Product>();
  private loadedAt: number | undefined;

  constructor(
    private readonly refreshMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(context: HookContext, signal?: AbortSignal): Promise<void> {
    if (this.loadedAt !== undefined && this.now() - this.loadedAt < this.refreshMs) return;
    const started = this.now();
    for (let page = 1; ; page += 1) {
      const body = await cin7Get(context, '/product', { Page: page, Limit: 1000 }, signal);
      const list = Array.isArray(body.Products) ? (body.Products as Array<Record<string, unknown>>) : [];
      for (const item of list) this.remember(item);
      if (list.length === 0 || page * 1000 >= Number(body.Total ?? 0)) break;
    }
    this.loadedAt = started;
  }

  private remember(item: Record<string, unknown>): void {
    const sku = typeof item.SKU === 'string' ? item.SKU.trim().toLowerCase() : '';
    if (sku) this.bySku.set(sku, { id: String(item.ID ?? ''), name: String(item.Name ?? '') });
  }

  async find(context: HookContext, sku: string, signal?: AbortSignal): Promise<Product | undefined> {
    await this.load(context, signal);
    const key = sku.trim().toLowerCase();
    const known = this.bySku.get(key);
    if (known) return known;
    // `Sku` matches "containing": keep only the exact one.
    const body = await cin7Get(context, '/product', { Sku: sku.trim(), Limit: 100 }, signal);
    for (const item of Array.isArray(body.Products) ? (body.Products as Array<Record<string, unknown>>) : [])
      this.remember(item);
    return this.bySku.get(key);
  }

  /**
   * The purchase's lines with each SKU resolved to its product (ProductID, and Name when the
   * mapping gave none), or a failed result naming the first line whose SKU Cin7 does not know —
   * before anything of the purchase is written.
   */
  async resolveLines(
    context: HookContext,
    lines: JsonValue[],
    signal?: AbortSignal,
  ): Promise<{ lines: JsonValue[] } | { failure: WriteResult }> {
    const resolved: JsonValue[] = [];
    for (const [index, line] of lines.entries()) {
      if (!line || typeof line !== 'object' || Array.isArray(line)) {
        resolved.push(line);
        continue;
      }
      const record = line as JsonObject;
      const sku = typeof record.SKU === 'string' ? record.SKU.trim() : '';
      const hasId = typeof record.ProductID === 'string' && record.ProductID.trim() !== '';
      if (!sku || hasId) {
        resolved.push(record);
        continue;
      }
      const product = await this.find(context, sku, signal);
      if (!product) {
        return {
          failure: {
            outcome: 'failed',
            error: {
              code: 'E_CIN7_UNKNOWN_SKU',
              message: `Line ${index + 1} (SKU '${sku}'): Cin7 Core has no product with this SKU. Add the product in Cin7 or correct the line's SKU mapping; nothing of this purchase was written.`,
              field: `Lines[${index}].SKU`,
            },
          },
        };
      }
      resolved.push({ ...record, ProductID: product.id, Name: record.Name ?? product.name });
    }
    return { lines: resolved };
  }
}
