import type { ReactNode } from "react";

interface ComingSoonProps {
  children: ReactNode;
}

/** Placeholder for a section whose feature has not shipped yet. Never show invented data in its place. */
export function ComingSoon({ children }: ComingSoonProps) {
  return (
    <section className="coming-soon" aria-labelledby="coming-soon-heading">
      <h2 id="coming-soon-heading">Coming soon</h2>
      {children}
    </section>
  );
}
