import { z } from 'zod';
import { errorCodes } from '../errors';
import { method } from './define';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  jsonataVersion: z.string(),
  runtime: z.enum(['desktop', 'web', 'cli']),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  platform: z.string(),
  /**
   * Set when the data folder's store is not the one it used before (emptied, deleted or
   * swapped): its run history, id map and watermarks are gone, so each flow's next run
   * resyncs everything. Cleared once every flow has run again.
   */
  storeReplaced: z
    .object({
      previousStoreId: z.string(),
      storeId: z.string(),
      detectedAt: z.string(),
      flowsToResync: z.array(z.string()),
    })
    .nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** What a file handed to the desktop app is, by its extension. */
export const openedFileKindSchema = z.enum(['ionapi', 'bundle']);
export type OpenedFileKind = z.infer<typeof openedFileKindSchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const uiPrefsSchema = z.object({
  theme: themeSchema,
  recentFiles: z.array(z.string()).max(20),
});
export type UiPrefs = z.infer<typeof uiPrefsSchema>;

export const appMethods = {
  'app.info': method({
    summary: 'Versions, runtime and data folder of the running backend.',
    input: z.object({}).strict(),
    output: appInfoSchema,
  }),
  'ui.prefs.get': method({
    summary: 'Window and UI preferences (theme, recent files).',
    input: z.object({}).strict(),
    output: uiPrefsSchema,
  }),
  'ui.prefs.set': method({
    summary: 'Change some UI preferences; returns all of them.',
    input: uiPrefsSchema.partial().strict(),
    output: uiPrefsSchema,
  }),
};

export const appEvents = {
  /** Something the user should know about that is not the answer to a call (backend restarted …). */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  /**
   * Desktop only: a file the operating system handed to the app (double-click, "Open with", a
   * second launch with a path). The main process read it; the window imports it: an `.ionapi`
   * becomes a connection, a bundle opens in the import preview. `error` when it could not be read.
   */
  'app.openFile': z.discriminatedUnion('state', [
    z.object({ state: z.literal('read'), kind: openedFileKindSchema, fileName: z.string(), content: z.string() }),
    z.object({
      state: z.literal('error'),
      kind: openedFileKindSchema,
      fileName: z.string(),
      error: z.object({ code: z.enum(errorCodes), message: z.string() }),
    }),
  ]),
};
