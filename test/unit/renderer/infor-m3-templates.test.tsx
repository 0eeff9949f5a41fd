import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InforM3Templates } from '../../../renderer/src/features/connections/InforM3Templates';
import type { Connection } from '../../../shared/domain/connection';

describe('the M3 templates on the Infor card', () => {
  it('shows the saved customer and supplier templates in their fields', () => {
    const connection = {
      id: 'c1',
      system: 'infor',
      name: 'M3',
      settings: { productLine: 'm3', m3CustomerTemplate: 'TMPLDOM', m3SupplierTemplate: 'TMPLSUP' },
    } as unknown as Connection;
    const html = renderToStaticMarkup(<InforM3Templates connection={connection} onSettings={() => undefined} />);
    expect(html).toMatch(
      /data-testid="m3-customer-template"[^>]*value="TMPLDOM"|value="TMPLDOM"[^>]*data-testid="m3-customer-template"/,
    );
    expect(html).toContain('value="TMPLSUP"');
    expect(html).toContain('Templates for new records');
  });
});
