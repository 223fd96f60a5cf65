// Which document of a multi-document YAML file a target writes into (Spring profiles, Kubernetes
// manifests): its index, or keys and values that identify it. One schema for the request body and the
// workspace's .vscode/keysmith.json, so both accept exactly the same selections.
import { z } from 'zod';

export const documentSelector = z.union(
  [
    z.number().int().min(0),
    z.record(z.string().min(1), z.string()).refine((keys) => Object.keys(keys).length > 0, { error: 'needs at least one key' }),
  ],
  {
    error:
      'document must be a document index (0, 1, ...) or keys and values that identify it, e.g. {"spring.config.activate.on-profile": "prod"}',
  },
);
