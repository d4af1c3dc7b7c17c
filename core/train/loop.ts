/**
 * Drives a Trainer to a step budget and reports through callbacks, so the loop knows nothing
 * of its host (CLI, worker thread, tests). It yields to the event loop every few tens of
 * milliseconds so that signals, pause/stop requests and progress output get through.
 */

import type { Evaluation } from './evaluation';
import { encodeState } from './state-codec';
import { DivergenceError, type TickStats, type Trainer } from './trainer';

export interface LoopHooks {
  onTick?(stats: TickStats): void;
  onEval?(stats: Evaluation): void;
  /** A checkpoint to store; `lastEval` is the newest evaluation (for "best" retention). */
  onCheckpoint?(step: number, state: Uint8Array, lastEval: Evaluation | null): void;
  /** Called after each yield, at most every `yieldMs`. */
  onProgress?(progress: LoopProgress): void;
  /** Polled between steps: 'stop' checkpoints and returns. */
  control?(): 'run' | 'stop';
}

export interface LoopProgress {
  step: number;
  totalSteps: number;
  stepsPerSecond: number;
  lastTick: TickStats | null;
}

export interface LoopOutcome {
  status: 'completed' | 'stopped' | 'diverged';
  step: number;
  /** Why a diverged run was stopped. */
  cause?: string;
  lastEval: Evaluation | null;
  lastTick: TickStats | null;
}

const YIELD_MS = 50;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runLoop(
  trainer: Trainer,
  totalSteps: number,
  hooks: LoopHooks = {},
): Promise<LoopOutcome> {
  const { logEvery, evalEvery, checkpointEvery } = trainer.config;
  let lastEval: Evaluation | null = null;
  let lastTick: TickStats | null = null;
  let lastCheckpointStep = -1;
  let lastEvalStep = -1;
  const startStep = trainer.step;
  const started = performance.now();
  let lastYield = started;

  const checkpoint = () => {
    const state = encodeState(trainer.getState());
    hooks.onCheckpoint?.(trainer.step, state, lastEval);
    lastCheckpointStep = trainer.step;
  };
  const evaluate = () => {
    lastEval = trainer.evaluate();
    lastEvalStep = trainer.step;
    hooks.onEval?.(lastEval);
  };
  const tick = () => {
    lastTick = trainer.tick();
    hooks.onTick?.(lastTick);
  };

  try {
    while (trainer.step < totalSteps) {
      trainer.trainStep();
      const step = trainer.step;
      if (step % logEvery === 0) tick();
      if (step % evalEvery === 0) evaluate();
      if (step % checkpointEvery === 0) checkpoint();
      const now = performance.now();
      if (now - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        hooks.onProgress?.({
          step,
          totalSteps,
          stepsPerSecond: ((step - startStep) * 1000) / (lastYield - started),
          lastTick,
        });
        if (hooks.control?.() === 'stop' && step < totalSteps) {
          if (lastCheckpointStep !== step) checkpoint();
          return { status: 'stopped', step, lastEval, lastTick };
        }
      }
    }
    if (trainer.step % logEvery !== 0) tick();
    if (lastEvalStep !== trainer.step) evaluate();
    if (lastCheckpointStep !== trainer.step) checkpoint();
    return { status: 'completed', step: trainer.step, lastEval, lastTick };
  } catch (err) {
    if (err instanceof DivergenceError) {
      return { status: 'diverged', step: err.step, cause: err.message, lastEval, lastTick };
    }
    throw err;
  }
}
