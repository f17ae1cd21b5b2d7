"use client";
// A person chosen from the directory, never a typed e-mail: an editable combobox with a list of matches
// (WAI-ARIA APG "combobox with list autocomplete"). Typing searches GET /people/search by name or e-mail;
// ↓/↑ move through the matches, Enter or a click chooses one, Escape closes the list (and clears the text when
// the list is already closed). The chosen person's e-mail is posted in a hidden input named `name`.
import { useEffect, useId, useRef, useState } from "react";
import { FieldError, inputClasses } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";

export type PickedPerson = { email: string; name?: string };

const MIN_QUERY = 2;
const DEBOUNCE_MS = 200;

/** How a chosen person reads in the box. */
export function personLabel(p: PickedPerson): string {
  return p.name ? `${p.name} <${p.email}>` : p.email;
}

type Search =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "done"; people: Required<PickedPerson>[] }
  | { state: "error"; message: string };

export function PeoplePicker({
  id,
  name,
  label,
  value,
  onChange,
  errors,
  hint = "Type part of a name or an e-mail address, then choose the person from the list.",
  exclude = [],
}: {
  /** The input's id (an error summary links to it). */
  id: string;
  /** Name of the hidden input that posts the chosen e-mail. */
  name: string;
  label: string;
  value: PickedPerson | null;
  onChange: (person: PickedPerson | null) => void;
  errors?: string[];
  hint?: string;
  /** E-mails already chosen elsewhere (shown as such, not offered twice). */
  exclude?: readonly string[];
}) {
  const listId = useId();
  const [text, setText] = useState(value ? personLabel(value) : "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [search, setSearch] = useState<Search>({ state: "idle" });
  const [unchosen, setUnchosen] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A value set from outside (a draft loaded, a row removed above this one) shows as such.
  const shown = value ? personLabel(value) : null;
  const [lastShown, setLastShown] = useState(shown);
  if (shown !== lastShown) {
    setLastShown(shown);
    // Cleared from outside while showing the old person: clear the text too (typing clears the value but
    // leaves what was typed, which then differs from the old label).
    if (shown !== null || text === lastShown) setText(shown ?? "");
  }

  useEffect(
    () => () => {
      abort.current?.abort();
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const excluded = new Set(exclude.map((e) => e.toLowerCase()));
  const people = search.state === "done" ? search.people.filter((p) => !excluded.has(p.email.toLowerCase())) : [];
  const expanded = open && text.trim().length >= MIN_QUERY && search.state !== "idle";

  function runSearch(q: string) {
    abort.current?.abort();
    if (timer.current) clearTimeout(timer.current);
    if (q.trim().length < MIN_QUERY) {
      setSearch({ state: "idle" });
      return;
    }
    setSearch({ state: "loading" });
    timer.current = setTimeout(async () => {
      const controller = new AbortController();
      abort.current = controller;
      try {
        const response = await fetch(`/people/search?${new URLSearchParams({ q: q.trim() })}`, {
          signal: controller.signal,
          headers: { accept: "application/json" },
        });
        const body = (await response.json()) as { people?: Required<PickedPerson>[]; detail?: string };
        if (!response.ok) setSearch({ state: "error", message: body.detail ?? "The directory could not be searched." });
        else setSearch({ state: "done", people: body.people ?? [] });
      } catch (error) {
        if ((error as Error).name !== "AbortError")
          setSearch({
            state: "error",
            message: "The directory could not be reached. Check your connection and try again.",
          });
      }
    }, DEBOUNCE_MS);
  }

  function choose(person: Required<PickedPerson>) {
    onChange(person);
    setText(personLabel(person));
    setLastShown(personLabel(person));
    setOpen(false);
    setActive(-1);
    setUnchosen(false);
  }

  /** The match the typed text names exactly (its e-mail), if any: choosing it needs no list. */
  function exactMatch(): Required<PickedPerson> | undefined {
    const typed = text.trim().toLowerCase();
    return people.find((p) => p.email.toLowerCase() === typed);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          setOpen(true);
          if (search.state === "idle") runSearch(text);
          if (event.altKey) return;
        }
        setActive((i) => (people.length === 0 ? -1 : (i + 1) % people.length));
        return;
      case "ArrowUp":
        event.preventDefault();
        setOpen(true);
        setActive((i) => (people.length === 0 ? -1 : i <= 0 ? people.length - 1 : i - 1));
        return;
      case "Enter": {
        // Enter chooses; it never submits the surrounding form while the list is open.
        const pick = expanded && active >= 0 ? people[active] : exactMatch();
        if (expanded || pick) event.preventDefault();
        if (pick) choose(pick);
        return;
      }
      case "Escape":
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text) {
          event.preventDefault();
          setText("");
          onChange(null);
          setSearch({ state: "idle" });
        }
        return;
      case "Home":
      case "End":
        setActive(-1); // moves the caret in the box, as the pattern says
        return;
    }
  }

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const localErrors = unchosen && !value ? ["Choose a person from the list; a typed address alone is not enough."] : [];
  const allErrors = [...(errors ?? []), ...localErrors];
  const status =
    search.state === "loading"
      ? "Searching…"
      : search.state === "error"
        ? search.message
        : search.state === "done"
          ? people.length === 0
            ? "No one in the directory matches. Check the spelling, or ask a platform admin to add the person."
            : `${people.length} ${people.length === 1 ? "person" : "people"} found. Use the arrow keys to choose.`
          : "";

  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 && people[active] ? `${listId}-${active}` : undefined}
          aria-invalid={allErrors.length > 0 || undefined}
          aria-describedby={`${hintId} ${errorId}`}
          autoComplete="off"
          spellCheck={false}
          className={inputClasses}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (value) onChange(null);
            setUnchosen(false);
            setOpen(true);
            setActive(-1);
            runSearch(event.target.value);
          }}
          onFocus={() => {
            if (!value && text.trim().length >= MIN_QUERY) setOpen(true);
          }}
          onBlur={() => {
            const pick = !value ? exactMatch() : undefined;
            if (pick) choose(pick);
            else {
              setOpen(false);
              setActive(-1);
              setUnchosen(!value && text.trim() !== "");
            }
          }}
          onKeyDown={onKeyDown}
        />
        <input type="hidden" name={name} value={value?.email ?? ""} />
        <ul
          id={listId}
          role="listbox"
          aria-label={`Matches for ${label}`}
          hidden={!expanded || people.length === 0}
          className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-300"
        >
          {people.map((p, i) => (
            <li
              key={p.email}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={cn(
                "cursor-pointer px-3 py-2",
                i === active ? "bg-brand-600 text-white" : "text-slate-900 hover:bg-slate-100",
              )}
              // mousedown, not click: the box keeps focus, so its blur does not close the list first
              onMouseDown={(event) => {
                event.preventDefault();
                choose(p);
              }}
            >
              <span className="font-medium">{p.name}</span>{" "}
              <span className={i === active ? "text-white" : "text-slate-600"}>{p.email}</span>
            </li>
          ))}
        </ul>
      </div>
      <p id={hintId} className="text-xs text-slate-600">
        {hint}
      </p>
      <p role="status" aria-live="polite" className="sr-only">
        {open ? status : ""}
      </p>
      {expanded && search.state !== "done" && (
        <p className="text-xs text-slate-700" aria-hidden>
          {status}
        </p>
      )}
      {expanded && search.state === "done" && people.length === 0 && (
        <p className="text-xs text-slate-700" aria-hidden>
          {status}
        </p>
      )}
      <FieldError id={errorId} errors={allErrors} />
    </div>
  );
}
