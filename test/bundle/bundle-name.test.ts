import { describe, expect, it } from 'vitest';
import { defaultBundleName, type NamedFlow } from '../../shared/bundle/bundle-name';

const connections: Record<string, string> = { m3: 'Infor M3', zoho: 'Zoho CRM', sf: 'Salesforce' };
const name = (flows: NamedFlow[]) => defaultBundleName(flows, (id) => connections[id]);
const flow = (flowName: string, source = 'm3', target = 'zoho'): NamedFlow => ({
  name: flowName,
  source: { connectionId: source },
  target: { connectionId: target },
});

describe('the name of a bundle exported without one', () => {
  it('lists a few flows by name, in the same order whatever order they came in', () => {
    expect(name([flow('Customers to accounts')])).toBe('Customers to accounts');
    const two = [flow('Orders to sales orders'), flow('Customers to accounts')];
    expect(name(two)).toBe('Customers to accounts, Orders to sales orders');
    expect(name([...two].reverse())).toBe(name(two));
  });

  it('names many flows by their routes between connections, with the count', () => {
    const four = ['A', 'B', 'C', 'D'].map((letter) => flow(`Flow ${letter}`));
    expect(name(four)).toBe('Infor M3 → Zoho CRM (4 flows)');
    expect(name([...four, flow('Contacts', 'm3', 'sf')])).toBe('Infor M3 → Salesforce, Infor M3 → Zoho CRM (5 flows)');
    expect(name([...four, flow('Contacts', 'm3', 'sf'), flow('Back', 'zoho', 'm3')])).toBe(
      'Infor M3 → Salesforce, Infor M3 → Zoho CRM and 1 more (6 flows)',
    );
  });

  it('falls back to routes when the names would be too long or repeat, and to the id of an unknown connection', () => {
    const long = [flow('x'.repeat(50)), flow('y'.repeat(50))];
    expect(name(long)).toBe('Infor M3 → Zoho CRM (2 flows)');
    expect(name([flow('Same'), flow('Same', 'm3', 'gone')])).toBe('Infor M3 → Zoho CRM, Infor M3 → gone (2 flows)');
  });

  it('stays within the 200 characters bundles.export accepts', () => {
    const many = Array.from({ length: 40 }, (_, index) =>
      flow(`F${index}`, `source-${'s'.repeat(20)}-${index}`, 'zoho'),
    );
    const result = name(many);
    expect(result.length).toBeLessThanOrEqual(200);
    expect(result).toMatch(/and 38 more \(40 flows\)$/);
  });
});
