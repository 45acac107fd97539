/**
 * The normalizers of one read of an archive: one per format and mapping, made on first use. Files
 * read with the same mapping object share a normalizer (selectools keeps state across a run's files).
 */
import type { FormatId, GenericMapping } from '../../../../shared/formats.js';
import { createNormalizer } from './index.js';
import type { Normalizer } from './types.js';

export class NormalizerSet {
  private readonly byFormat = new Map<FormatId, Map<GenericMapping | undefined, Normalizer>>();

  get(format: FormatId, mapping: GenericMapping | undefined): Normalizer {
    let byMapping = this.byFormat.get(format);
    if (byMapping === undefined) {
      byMapping = new Map();
      this.byFormat.set(format, byMapping);
    }
    let normalize = byMapping.get(mapping);
    if (normalize === undefined) {
      normalize = createNormalizer(format, mapping === undefined ? {} : { mapping });
      byMapping.set(mapping, normalize);
    }
    return normalize;
  }
}
