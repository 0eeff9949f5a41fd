import { useEffect, useState } from 'react';
import type { Connection } from '../../../../shared/domain/connection';

/**
 * M3 as a target: the templates new records are created from. CRS610MI/Add requires a customer
 * template (CUTM); a supplier template lets a new supplier be copied (CRS620MI/CopyTemplate) and
 * then given the mapped fields, instead of AddSupplier's 23 mandatory fields. Saved on blur.
 */
export function InforM3Templates({
  connection,
  onSettings,
}: {
  connection: Connection;
  onSettings(settings: { m3CustomerTemplate: string; m3SupplierTemplate: string }): void;
}) {
  const savedCustomer = String(connection.settings.m3CustomerTemplate ?? '');
  const savedSupplier = String(connection.settings.m3SupplierTemplate ?? '');
  const [customer, setCustomer] = useState(savedCustomer);
  const [supplier, setSupplier] = useState(savedSupplier);
  useEffect(() => setCustomer(savedCustomer), [savedCustomer]);
  useEffect(() => setSupplier(savedSupplier), [savedSupplier]);
  const save = () => {
    if (customer.trim() === savedCustomer && supplier.trim() === savedSupplier) return;
    onSettings({ m3CustomerTemplate: customer.trim(), m3SupplierTemplate: supplier.trim() });
  };
  return (
    <div className="kv-row">
      <dt>Templates for new records</dt>
      <dd>
        <input
          className="input narrow"
          aria-label="M3 customer template"
          data-testid="m3-customer-template"
          maxLength={10}
          placeholder="customer"
          title="CRS610MI/Add customer template (CUTM) for customers this connection creates"
          value={customer}
          onChange={(event) => setCustomer(event.target.value.toUpperCase())}
          onBlur={save}
        />{' '}
        <input
          className="input narrow"
          aria-label="M3 supplier template"
          data-testid="m3-supplier-template"
          maxLength={10}
          placeholder="supplier"
          title="CRS620MI/CopyTemplate supplier template (STEM); empty = AddSupplier"
          value={supplier}
          onChange={(event) => setSupplier(event.target.value.toUpperCase())}
          onBlur={save}
        />
      </dd>
    </div>
  );
}
