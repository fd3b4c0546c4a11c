/**
 * The simulator containers the bench starts (through `cardspec sim --target container`),
 * found by the label the container target puts on every container and by the host folder
 * bind-mounted on their /run/pcscd: a test run on the same machine has containers with
 * the same label, which are not the bench's to remove.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CONTAINER_LABELS } from '../../src/targets/container.js';

const run = promisify(execFile);
const DOCKER_TIMEOUT_MS = 30_000;

export interface CardspecContainer {
  id: string;
  name: string;
  /** Host folders and volumes mounted in it. */
  mounts: string[];
}

/** `docker ps -a --filter label=org.cardspec.project`, with each container's mounts. */
export async function cardspecContainers(): Promise<CardspecContainer[]> {
  const { stdout } = await run('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${CONTAINER_LABELS.project}`], { timeout: DOCKER_TIMEOUT_MS });
  const ids = stdout.split('\n').filter(Boolean);
  if (!ids.length) return [];
  const { stdout: inspected } = await run('docker', ['inspect', '--format', '{{.Id}}|{{.Name}}|{{range .Mounts}}{{.Source}};{{end}}', ...ids], {
    timeout: DOCKER_TIMEOUT_MS,
  }).catch(() => ({ stdout: '' })); // one went away between ps and inspect: listed without mounts
  const byId = new Map(
    inspected
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id = '', name = '', mounts = ''] = line.split('|');
        return [id, { id, name: name.replace(/^\//, ''), mounts: mounts.split(';').filter(Boolean) }] as const;
      }),
  );
  return ids.map((id) => byId.get(id) ?? { id, name: id.slice(0, 12), mounts: [] });
}

/** `docker rm -f` of the containers named; errors are ignored (gone already). */
export async function removeContainers(containers: readonly CardspecContainer[]): Promise<void> {
  if (!containers.length) return;
  await run('docker', ['rm', '--force', '--volumes', ...containers.map((c) => c.id)], { timeout: DOCKER_TIMEOUT_MS }).catch(() => undefined);
}
