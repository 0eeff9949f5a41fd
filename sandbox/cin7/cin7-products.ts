import { uuidFrom, createRandom } from '../kit';
import { items } from '../infor/data/vocabulary';
import type { Cin7Record } from './cin7-data';

/**
 * The product catalogue a purchase line must name (`GET /product`, list key `Products`). Seeded
 * with the portal's example product (fixtures/cin7/purchase_order_post_request.json: SKU `Bread`)
 * and, so a sandbox Infor purchase order finds its items, one product per Infor sandbox item number.
 */
export interface Cin7ProductSeed {
  ID?: string;
  SKU: string;
  Name: string;
}

export const portalExampleProduct: Cin7ProductSeed = {
  ID: 'c08b3876-89cc-46c4-af52-b77f058fdf81',
  SKU: 'Bread',
  Name: 'Baked Bread',
};

export function defaultCin7Products(): Cin7ProductSeed[] {
  return [portalExampleProduct, ...items.map((item) => ({ SKU: item.number, Name: item.description }))];
}

export class Cin7Products {
  private readonly byId = new Map<string, Cin7Record>();

  constructor(seeds: Cin7ProductSeed[], seed: number) {
    const random = createRandom(`${seed}:cin7:products`);
    for (const product of seeds) {
      const ID = product.ID ?? uuidFrom(random);
      this.byId.set(ID.toLowerCase(), { ID, SKU: product.SKU, Name: product.Name, Status: 'Active', Type: 'Stock' });
    }
  }

  all(): Cin7Record[] {
    return [...this.byId.values()];
  }

  byID(id: string): Cin7Record | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** Cin7 SKUs are unique in the tenant; matched exactly as stored, case aside. */
  bySku(sku: string): Cin7Record | undefined {
    const wanted = sku.trim().toLowerCase();
    return this.all().find((product) => String(product.SKU).toLowerCase() === wanted);
  }

  /**
   * Why a purchase order line cannot be saved, if it cannot: its product is named by `ProductID`
   * and/or `SKU` and must exist, and both must name the same product. The portal's line model has
   * `ProductID`, `SKU` and `Name` of the product "referenced by this Line"; the wording of the refusal
   * is the sandbox's (unconfirmed), the 400 Error model is Cin7's.
   */
  lineProblem(line: Cin7Record, index: number): string | undefined {
    const id = typeof line.ProductID === 'string' && line.ProductID.trim() ? line.ProductID.trim() : undefined;
    const sku = typeof line.SKU === 'string' && line.SKU.trim() ? line.SKU.trim() : undefined;
    const byId = id ? this.byID(id) : undefined;
    if (id && !byId) return `Lines[${index}]: Product with ID '${id}' not found.`;
    const bySku = sku ? this.bySku(sku) : undefined;
    if (sku && !bySku) return `Lines[${index}]: Product with SKU '${sku}' not found.`;
    if (byId && bySku && byId !== bySku)
      return `Lines[${index}]: ProductID '${id}' and SKU '${sku}' refer to different products.`;
    return undefined;
  }
}
