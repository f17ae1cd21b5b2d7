import Link from "next/link";
import { Alert, PageHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";

/**
 * What a page shows instead of its data when its address carries a value it cannot use (a date that does not
 * exist, a forged page cursor, an out-of-range number): the 400 of a page, with what to do next.
 */
export function InvalidQuery({ title, message, resetHref }: { title: string; message: string; resetHref: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Alert tone="danger" title="This address asks for something the page cannot show">
        <p>{message}</p>
        <p className="mt-2">
          Check the link you followed, or start again without it.{" "}
          <Link href={resetHref} className={buttonClasses("secondary", "mt-2")}>
            Start again
          </Link>
        </p>
      </Alert>
    </>
  );
}
