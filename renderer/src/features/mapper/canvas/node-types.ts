import type { NodeTypes } from '@xyflow/react';
import { ExpressionNode } from './ExpressionNode';
import { SchemaNode } from './SchemaNode';

/** At module scope: a new object per render would remount every node. */
export const nodeTypes = {
  source: SchemaNode,
  target: SchemaNode,
  constant: ExpressionNode,
  function: ExpressionNode,
  valueMap: ExpressionNode,
  conditional: ExpressionNode,
  coalesce: ExpressionNode,
  loop: ExpressionNode,
  lookup: ExpressionNode,
  custom: ExpressionNode,
} satisfies NodeTypes;
