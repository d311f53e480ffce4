/**
 * Regenerates the Strimzi KafkaTopics and KafkaUsers (deploy/k8s/base/kafka/{topics,users}.yaml and
 * each overlay's partners/) from the declaration in libs/contracts and the overlays' partner-banks.json.
 * Run it after changing either:
 *
 *   npm run k8s:kafka
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { K8S_DIR, overlaysWithPartners, renderKafkaManifests } from './kafka-manifests';

const overlays = overlaysWithPartners();
if (overlays.length === 0) throw new Error(`no overlay under ${join(K8S_DIR, 'overlays')} has a partner-banks.json`);
for (const [path, text] of renderKafkaManifests(overlays)) {
  const file = join(K8S_DIR, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${relative(process.cwd(), file)}`);
}
