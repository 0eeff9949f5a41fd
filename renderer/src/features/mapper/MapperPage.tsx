import '@xyflow/react/dist/style.css';
import './mapper.css';
import { useCallback, useEffect, useRef, useState } from 'react';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import type { Mapping, MappingId } from '../../../../shared/domain/flow';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api/client';
import { MapperEditor } from './MapperEditor';
import { MappingChooser } from './MappingChooser';
import { SavedMappings } from './SavedMappings';
import { openNewMapping, openSavedMapping, type NewMappingChoice } from './mapper-session';
import { useMapperRequest } from './mapper-request';
import type { ReverseReport } from '../flows/reverse-flow';
import type { MapperStore } from './store/mapper.store';

type Screen =
  | { state: 'loading' }
  | { state: 'error'; error: ErrorInfo }
  | { state: 'list'; mappings: Mapping[]; connections: Connection[] }
  | { state: 'opening'; what: string }
  | { state: 'open'; store: MapperStore; reverse?: ReverseReport };

const toError = (error: unknown): ErrorInfo =>
  error && typeof error === 'object' && 'code' in error && 'message' in error
    ? (error as ErrorInfo)
    : toErrorInfo(error);

/** The Mapper section: saved mappings, a new one from two live schemas, and the editor. */
export function MapperPage() {
  const [screen, setScreen] = useState<Screen>({ state: 'loading' });
  const [openError, setOpenError] = useState<ErrorInfo>();

  const refresh = useCallback(async () => {
    const [mappings, connections] = await Promise.all([
      api.invoke('mappings.list', {}),
      api.invoke('connections.list', {}),
    ]);
    if (!mappings.ok) return setScreen({ state: 'error', error: mappings.error });
    if (!connections.ok) return setScreen({ state: 'error', error: connections.error });
    setScreen({ state: 'list', mappings: mappings.value, connections: connections.value });
  }, []);

  const open = useCallback(
    async (what: string, load: () => Promise<MapperStore>, reverse?: ReverseReport) => {
      setOpenError(undefined);
      setScreen({ state: 'opening', what });
      try {
        setScreen({ state: 'open', store: await load(), reverse });
      } catch (error) {
        setOpenError(toError(error));
        await refresh();
      }
    },
    [refresh],
  );

  // Once per visit (StrictMode runs effects twice; a second open would load everything again).
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // Another screen asked for a mapping (a reverse flow's): open it straight away.
    const request = useMapperRequest.getState().take();
    if (!request) return void refresh();
    void open(
      request.what ?? 'the reverse mapping',
      async () => openSavedMapping(api, request.mappingId, await api.call('connections.list', {})),
      request.reverse,
    );
  }, [refresh, open]);

  if (screen.state === 'open')
    return <MapperEditor store={screen.store} reverse={screen.reverse} onClose={() => void refresh()} />;
  if (screen.state === 'loading')
    return (
      <p className="muted" data-testid="mapper-loading">
        Loading mappings…
      </p>
    );
  if (screen.state === 'opening')
    return (
      <p className="muted" data-testid="mapper-opening">
        Reading the live schemas for {screen.what}…
      </p>
    );
  if (screen.state === 'error') {
    return (
      <div className="panel error-panel" role="alert">
        <h2>Could not load the mapper</h2>
        <p>{screen.error.message}</p>
        <button type="button" className="button" onClick={() => void refresh()}>
          Retry
        </button>
      </div>
    );
  }
  const { mappings, connections } = screen;
  return (
    <div className="mapper-home" data-testid="mapper-home">
      {openError && (
        <div className="panel error-panel" role="alert" data-testid="mapper-open-error">
          <h2>Could not open the mapping</h2>
          <p>{openError.message}</p>
        </div>
      )}
      <MappingChooser
        connections={connections}
        onOpen={(choice: NewMappingChoice) => void open(choice.name, () => openNewMapping(api, choice))}
      />
      <SavedMappings
        mappings={mappings}
        describe={describeSystems}
        onOpen={(mapping) => void open(mapping.name, () => openSavedMapping(api, mapping.id as MappingId, connections))}
        onChanged={refresh}
      />
    </div>
  );
}

function describeSystems(mapping: Mapping): string {
  const graph = mapping.graph as { nodes?: { kind?: string; data?: { system?: string } }[] } | undefined;
  const system = (kind: string) => graph?.nodes?.find((node) => node.kind === kind)?.data?.system;
  const from = system('source');
  const to = system('target');
  const label = (id: string | undefined) =>
    id && id in systemLabels ? systemLabels[id as keyof typeof systemLabels] : id;
  return from && to ? `(${label(from)} → ${label(to)})` : '';
}
