// Which document of a YAML stream a target writes. Spring's `application.yml` keeps one profile per
// document and Kubernetes one object per document, so a target names its document: by index or by
// paths and values only that document has. Offsets stay those of the whole text, so an edit inside
// one document leaves the bytes of every other one as they were.
import { isScalar, parseAllDocuments, parseDocument, type Document } from 'yaml';
import type { YamlDocumentSelector } from '../../protocol';
import { PathError } from './types';
import { locate, yamlFormatError } from './yamlNodes';

export interface SelectedDocument {
  doc: Document;
  index: number;
  count: number;
  /** Where a document with no mapping yet ends: new keys go there. */
  end: number;
}

export function parseYamlStream(body: string): Document[] {
  const parsed = parseAllDocuments(body, { keepSourceTokens: false, uniqueKeys: true });
  // An empty or comment-only file is no document at all; it reads as one empty document.
  const docs = Array.isArray(parsed) ? (parsed as Document[]) : [];
  if (docs.length === 0) docs.push(parseDocument(body, { uniqueKeys: true }));
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw yamlFormatError(body, error);
  }
  return docs;
}

export function selectYamlDocument(body: string, selector: YamlDocumentSelector | undefined): SelectedDocument {
  const docs = parseYamlStream(body);
  const index = documentIndex(docs, selector);
  const end = docs.length === 1 ? body.length : (docs[index]!.range?.[1] ?? body.length);
  return { doc: docs[index]!, index, count: docs.length, end };
}

export function documentIndex(docs: Document[], selector: YamlDocumentSelector | undefined): number {
  const count = docs.length;
  if (selector === undefined) {
    if (count === 1) return 0;
    throw new PathError(
      `The file holds ${count} YAML documents; say which one with "document": its index (0 to ${count - 1}) or keys and values only it has, e.g. {"spring.config.activate.on-profile": "prod"}.`,
    );
  }
  if (typeof selector === 'number') {
    if (Number.isInteger(selector) && selector >= 0 && selector < count) return selector;
    throw new PathError(
      `"document" ${selector} does not exist: the file holds ${count} YAML document${count === 1 ? '' : 's'} (indexes 0 to ${count - 1}).`,
    );
  }
  const entries = Object.entries(selector);
  if (entries.length === 0) throw new PathError('"document" needs at least one key and value that identify the document.');
  const matching = docs.flatMap((doc, i) => (entries.every(([path, want]) => scalarText(doc, path) === want) ? [i] : []));
  const keys = entries.map(([path]) => `"${path}"`).join(', ');
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0) {
    throw new PathError(`No YAML document in the file has the values "document" asks for at ${keys}.`);
  }
  throw new PathError(
    `${matching.length} YAML documents (${matching.join(', ')}) have the values "document" asks for at ${keys}; add a key that tells them apart, or give the index.`,
  );
}

/** The text of the scalar at a dotted path, or undefined when there is none. */
function scalarText(doc: Document, path: string): string | undefined {
  try {
    const located = locate(doc, path.split('.'));
    if (!located.found || !isScalar(located.node)) return undefined;
    return located.node.value === null ? '' : String(located.node.value);
  } catch {
    return undefined; // the path runs through a value: this document does not match
  }
}
