import { connectorMigrations } from './connectors';
import { coreMigrations } from './core';
import { insertionOrderMigrations } from './insertion-order';
import { mappingConnectionMigrations } from './mapping-connections';
import { syncMigrations } from './sync';
import { syncReplayMigrations } from './sync-002';
import { syncLeaseMigrations } from './sync-003';
import { zohoMigrations } from './zoho';
import type { Migration } from './migration';

/**
 * Every migration in the order it applies. Areas own their files; append new
 * ones at the end of their list and never edit a released one.
 */
export const migrations: Migration[] = [...coreMigrations, ...connectorMigrations, ...syncMigrations, ...zohoMigrations, ...syncReplayMigrations, ...syncLeaseMigrations, ...insertionOrderMigrations, ...mappingConnectionMigrations];
