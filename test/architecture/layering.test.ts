// The layer rules of DEVELOPERS.md are enforced by ESLint; these tests prove the rules bite.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint', () => {
  it('keeps shared/ free of every import but its own flat modules', async () => {
    expect(await restrictedImports('shared/probe.ts', "import { z } from 'zod';\nexport const a = z;\n")).not.toHaveLength(0);
    expect(await restrictedImports('shared/probe.ts', "import { dataDir } from '../main/core/data-dir.js';\nexport const a = dataDir;\n")).not.toHaveLength(0);
    expect(await restrictedImports('shared/probe.ts', "import { ok } from './result.js';\nexport const a = ok;\n")).toHaveLength(0);
  });

  it('keeps Electron and worker_threads out of main/core', async () => {
    expect(await restrictedImports('main/core/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).not.toHaveLength(0);
    expect(await restrictedImports('main/core/probe.ts', "import { Worker } from 'node:worker_threads';\nexport const a = Worker;\n")).not.toHaveLength(0);
    expect(await restrictedImports('main/core/probe.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;\n")).toHaveLength(0);
  });

  it('lets only main/app use Electron among the backend layers', async () => {
    for (const layer of ['main/worker', 'main/service', 'main/host', 'main/cli']) {
      expect(await restrictedImports(`${layer}/probe.ts`, "import { app } from 'electron';\nexport const a = app;\n")).not.toHaveLength(0);
    }
    expect(await restrictedImports('main/app/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(0);
  });

  it('keeps the renderer away from Node, Electron and main/', async () => {
    expect(await restrictedImports('renderer/probe.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).not.toHaveLength(0);
    expect(await restrictedImports('renderer/probe.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).not.toHaveLength(0);
    expect(await restrictedImports('renderer/probe.ts', "import { dataDir } from '../main/core/data-dir.js';\nexport const a = dataDir;\n")).not.toHaveLength(0);
    expect(await restrictedImports('renderer/probe.ts', "import { create } from 'zustand';\nimport { ok } from '../shared/result.js';\nexport const a = [create, ok];\n")).toHaveLength(0);
  });

  it('limits the preload to Electron and the shared contract', async () => {
    expect(await restrictedImports('main/preload/probe.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).not.toHaveLength(0);
    expect(await restrictedImports('main/preload/probe.ts', "import { contextBridge } from 'electron';\nimport { CHANNELS } from '../../shared/contract.js';\nexport const a = [contextBridge, CHANNELS];\n")).toHaveLength(0);
  });
});
