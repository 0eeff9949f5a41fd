import type { SandboxServer, SimulatorContext } from '../../kit';
import type { InforData } from '../data/records';

type Gateway = (handler: (context: SimulatorContext) => Promise<void> | void) => (context: SimulatorContext) => Promise<void>;

export function registerFsmRoutes(_server: SandboxServer, _tenant: string, _data: InforData, _gateway: Gateway, _options?: unknown): void {}
