import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Connection } from '../../../../shared/domain/connection';

/**
 * A multi-site CSI tenant lists several configurations, each a site with its own data: the person
 * picks one (reads stop and name them until then). The list comes from the server on request.
 */
export function CsiSiteChoice({
  connection,
  list,
  choose,
}: {
  connection: Connection;
  list: () => Promise<{ configurations: string[] } | { error: ErrorInfo }>;
  choose: (choice: Partial<Record<'mongooseConfig' | 'csiSite', string>>) => void;
}) {
  const current = String(connection.settings.mongooseConfig ?? '');
  const [options, setOptions] = useState<string[] | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const load = async () => {
    setLoading(true);
    const result = await list();
    setLoading(false);
    if ('error' in result) setError(result.error);
    else {
      setError(undefined);
      setOptions(result.configurations);
    }
  };
  const choices = options ?? (current ? [current] : []);
  return (
    <>
      <div className="kv-row">
        <dt>Configuration</dt>
        <dd>
          <select
            className="select select-inline"
            aria-label="CSI configuration"
            value={current}
            onChange={(event) => choose({ mongooseConfig: event.target.value })}
            data-testid="csi-configuration"
          >
            <option value="">{current ? 'Not chosen' : 'Not chosen — list the sites'}</option>
            {choices.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button small ghost"
            onClick={() => void load()}
            disabled={loading}
            data-testid="list-csi-configurations"
          >
            {loading ? 'Listing…' : 'List sites'}
          </button>
          {error && (
            <span className="inline-warning" role="alert" data-testid="csi-configurations-error">
              {error.message}
            </span>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Site</dt>
        <dd>
          <input
            className="input input-inline"
            aria-label="CSI site"
            placeholder="not sent"
            defaultValue={String(connection.settings.csiSite ?? '')}
            onBlur={(event) => {
              const value = event.target.value.trim();
              if (value !== String(connection.settings.csiSite ?? '')) choose({ csiSite: value });
            }}
            data-testid="csi-site"
          />
        </dd>
      </div>
    </>
  );
}
