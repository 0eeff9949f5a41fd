import { api, transportKind } from '../api/client';
import { bundlesStore } from '../features/bundles/bundles.instance';
import { connectionsStore, useConnectionsView } from '../features/connections/connections.instance';
import { useAppStore } from './app.store';
import { importOpenedFile } from './opened-files';

/**
 * Subscribed while the page's scripts load (imported by main.tsx), before the shell's
 * did-finish-load hands over the files it holds. Only the desktop shell sends app.openFile.
 */
if (transportKind === 'ipc') {
  api.on('app.openFile', (file) => {
    void importOpenedFile(file, {
      show(section) {
        useAppStore.getState().go(section);
        if (section === 'connections') useConnectionsView.getState().show('list');
      },
      importIonapi: (fileName, content) => connectionsStore.getState().importIonapi(fileName, content),
      ionapiFailed: (fileName, error) => connectionsStore.setState({ import: { state: 'error', fileName, error } }),
      checkBundle: (fileName, content) => bundlesStore.getState().checkFile(fileName, content),
      bundleFailed: (fileName, error) =>
        bundlesStore.setState({ tab: 'import', import: { state: 'error', fileName, error } }),
    });
  });
}
