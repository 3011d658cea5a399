/** Draws from a seeded uniform source (`seededRandom`), so a plan is the same for a seed. */
export class Dice {
  constructor(private readonly random: () => number) {}

  next(): number {
    return this.random();
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let remaining = this.random() * total;
    for (const [index, item] of items.entries()) {
      remaining -= weights[index] ?? 0;
      if (remaining < 0) return item;
    }
    return items[items.length - 1] as T;
  }

  /** `count` distinct items (fewer when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0] as T);
    return chosen;
  }

  /** Gap to the next arrival of a Poisson process with this rate (per ms). */
  exponential(ratePerMs: number): number {
    if (ratePerMs <= 0) return Number.POSITIVE_INFINITY;
    return -Math.log(1 - this.random()) / ratePerMs;
  }
}
