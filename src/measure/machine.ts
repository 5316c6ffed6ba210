/** The machine a measurement ran on, for reports: CPU model, cores, memory, OS, versions. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  /** Logical cores this process may use. */
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly onnxruntime: string;
  readonly whittle: string;
}

const require = createRequire(import.meta.url);

/** Describes this machine and the versions of node, ONNX Runtime and whittle. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
    whittle: packageVersion('../../../package.json'),
  };
}

function packageVersion(name: string): string {
  try {
    const path = name.endsWith('.json') ? new URL(name, import.meta.url) : require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
