import { shell } from 'electron';
import { isAllowedExternal } from './policy';

export function openExternalSafely(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}
