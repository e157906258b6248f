import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`: countdowns show main's deadline minus this. */
export function useNow(intervalMs = 250): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
