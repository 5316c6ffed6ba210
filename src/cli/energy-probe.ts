/**
 * Energy per recipe step: one meter (measure/energy) per step, and the description of how the
 * figures were obtained that reports must carry (measured with RAPL or estimated, and why).
 */
import { gridIntensity } from '../measure/energy/carbon.js';
import { startEnergyMeter, type EnergyMeterOptions, type EnergyReading } from '../measure/energy/meter.js';
import type { EnergyProbe } from '../recipe/context.js';
import type { ReportEnergy } from '../report/types.js';

export interface EnergySetup {
  readonly region?: string;
  readonly tdpWatts?: number;
}

/** A probe for runRecipe, and the report's energy note once steps have been measured. */
export function energyProbe(setup: EnergySetup): { probe: EnergyProbe; describe(): ReportEnergy | undefined } {
  const options: EnergyMeterOptions = {
    ...(setup.region ? { region: setup.region } : {}),
    ...(setup.tdpWatts !== undefined ? { tdpWatts: setup.tdpWatts } : {}),
  };
  // Fail on a bad region before any work starts.
  gridIntensity(setup.region ? { region: setup.region } : {});
  const readings: EnergyReading[] = [];
  return {
    probe: () => {
      const meter = startEnergyMeter(options);
      return {
        stop: () => {
          const r = meter.stop();
          readings.push(r);
          return { joules: r.joules, co2Grams: r.co2Grams, seconds: r.seconds, method: r.method, note: r.note };
        },
      };
    },
    describe: () => {
      const r = readings.at(-1) ?? startEnergyMeter(options).stop();
      return { method: r.method, region: r.region, gramsPerKWh: r.gramsPerKWh, note: r.note };
    },
  };
}
