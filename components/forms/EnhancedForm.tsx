"use client";

import { useRouter } from "next/navigation";
import {
  createContext,
  useContext,
  useId,
  useState,
  useTransition,
  type FormEvent,
  type ReactNode,
} from "react";

interface FormState {
  error: string | null;
  /** The field the error is about, so it can be marked invalid. */
  field: string | null;
  errorId: string;
  pending: boolean;
}

const FormContext = createContext<FormState>({ error: null, field: null, errorId: "", pending: false });

export function useFormState(): FormState {
  return useContext(FormContext);
}

interface Props {
  /** The original's URL the form posts to; without JavaScript the browser posts there itself. */
  action: string;
  /** An error a plain form post was redirected back with. */
  error?: string | null;
  field?: string | null;
  resetOnSuccess?: boolean;
  className?: string;
  "aria-label"?: string;
  "aria-labelledby"?: string;
  children: ReactNode;
}

/**
 * A plain HTML form (method POST, the original's field names) that works without JavaScript. With
 * JavaScript it posts the same fields itself, asks for JSON instead of a redirect, and then moves to
 * the target page (or refreshes this one) without a full reload; the flash arrives with that page.
 */
export function EnhancedForm({
  action,
  error = null,
  field = null,
  resetOnSuccess = false,
  children,
  ...rest
}: Props) {
  const router = useRouter();
  const errorId = useId();
  const [state, setState] = useState({ error, field });
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === "string") body.append(name, value);
    startTransition(async () => {
      let response: Response;
      try {
        response = await fetch(action, {
          method: "POST",
          body,
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch {
        setState({ error: "Could not reach MiniTwit. Please try again.", field: null });
        return;
      }
      const data = (await response.json().catch(() => null)) as {
        redirectTo?: string;
        error?: string;
        field?: string | null;
      } | null;
      if (response.ok && data?.redirectTo) {
        setState({ error: null, field: null });
        if (resetOnSuccess) form.reset();
        const here = window.location.pathname + window.location.search;
        if (data.redirectTo === here) router.refresh();
        else router.push(data.redirectTo);
        return;
      }
      setState({
        error: data?.error ?? `Something went wrong (${response.status}).`,
        field: data?.field ?? null,
      });
    });
  }

  return (
    <FormContext.Provider value={{ ...state, errorId, pending }}>
      <form
        method="post"
        action={action}
        noValidate
        onSubmit={onSubmit}
        aria-busy={pending || undefined}
        {...rest}
      >
        {state.error && (
          <div className="error" role="alert" id={errorId}>
            <strong>Error:</strong> {state.error}
          </div>
        )}
        {children}
      </form>
    </FormContext.Provider>
  );
}
