import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { formatNumber } from '../../components/format';
import { AuditRetentionForm, retentionInput } from './AuditRetentionForm';

/**
 * Audit retention on the Runs screen: how long rows are kept and how large the store may grow. The app
 * applies it hourly and after each run; saving applies it at once. Failed records stay until replayed.
 */
export function AuditRetention() {
  const [days, setDays] = useState('');
  const [maxMb, setMaxMb] = useState('');
  const [message, setMessage] = useState<string>();
  const show = (result: { days: number; maxMb?: number; pruned: number }, saved: boolean) => {
    setDays(String(result.days));
    setMaxMb(result.maxMb !== undefined ? String(result.maxMb) : '');
    const removed = `${formatNumber(result.pruned)} older audit rows removed.`;
    setMessage(saved ? `Saved; ${removed}` : result.pruned > 0 ? removed : undefined);
  };
  useEffect(() => {
    api.call('audit.retention', {}).then(
      (result) => show(result, false),
      (error: unknown) => setMessage(error instanceof Error ? error.message : String(error)),
    );
  }, []);
  const save = () => {
    const input = retentionInput(days, maxMb);
    if ('error' in input) return setMessage(input.error);
    api.call('audit.retention', input).then(
      (result) => show(result, true),
      (error: unknown) => setMessage(error instanceof Error ? error.message : String(error)),
    );
  };
  return <AuditRetentionForm {...{ days, maxMb, message, setDays, setMaxMb, save }} />;
}
