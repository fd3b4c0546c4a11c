/**
 * One promise per key, made on first request and shared by later ones. A rejected promise
 * is forgotten, so the next request tries again and reports its own error (a token whose
 * initialisation failed in one scenario is not a failure of every later one).
 */
export class OncePerKey<T> {
  private readonly made = new Map<string, Promise<T>>();

  constructor(private readonly make: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    let promise = this.made.get(key);
    if (!promise) {
      promise = this.make(key);
      const made = promise;
      made.catch(() => {
        if (this.made.get(key) === made) this.made.delete(key);
      });
      this.made.set(key, made);
    }
    return promise;
  }

  get keys(): string[] {
    return [...this.made.keys()];
  }

  clear(): void {
    this.made.clear();
  }
}
