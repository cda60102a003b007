import type { ReactNode } from "react";

interface PageProps {
  title: string;
  description: string;
  children?: ReactNode;
}

/** A page's document title, heading and one-line description. */
export function Page({ title, description, children }: PageProps) {
  return (
    <>
      <title>{`${title} · omnizen`}</title>
      <h1>{title}</h1>
      <p className="page-description">{description}</p>
      {children}
    </>
  );
}
