/**
 * Flash messages, as the original's: a message set by one request and shown once, on the next page.
 *
 * The message rides in a short-lived HttpOnly cookie. `proxy.ts` takes it off the next page request:
 * it hands the value to the render in a request header and deletes the cookie in the same response,
 * so the message shows exactly once, with or without JavaScript. (Server components cannot delete
 * cookies, so the render itself could not.) A form's error and the values typed into it travel the
 * same way when a plain form post is redirected back to its page.
 */

export const FLASH_COOKIE = "minitwit_flash";
export const FLASH_HEADER = "x-minitwit-flash";

export const FORM_NAMES = ["login", "register", "add_message"] as const;
export type FormName = (typeof FORM_NAMES)[number];

export interface FormFeedback {
  form: FormName;
  error: string;
  /** The field the error is about, if one. */
  field?: string;
  /** What the user typed (never passwords), to fill the form again. */
  values: Record<string, string>;
}

export interface Flash {
  message?: string;
  /** A message an admin just flagged: the flash offers to undo it, as the message itself is gone. */
  flagged?: string;
  form?: FormFeedback;
}

const MAX_ENCODED_LENGTH = 2000;

/** Request headers carry only ASCII: the proxy percent-encodes the cookie's value into one. */
export function toHeaderValue(cookieValue: string): string {
  return encodeURIComponent(cookieValue);
}

export function fromHeaderValue(headerValue: string | null): string | undefined {
  if (!headerValue) return undefined;
  try {
    return decodeURIComponent(headerValue);
  } catch {
    return undefined;
  }
}

/** The cookie's value (the cookie API percent-encodes it). */
export function encodeFlash(flash: Flash): string {
  const json = JSON.stringify(flash);
  if (json.length > MAX_ENCODED_LENGTH) {
    // Typed values are the only unbounded part; drop them rather than lose the cookie.
    return JSON.stringify({ ...flash, form: flash.form && { ...flash.form, values: {} } });
  }
  return json;
}

/** The flash in a cookie value, or nothing if it is missing or not one of ours. */
export function decodeFlash(raw: string | null | undefined): Flash | undefined {
  if (!raw || raw.length > MAX_ENCODED_LENGTH * 2) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const flash: Flash = {};
  if (typeof record.message === "string") flash.message = record.message;
  if (typeof record.flagged === "string") flash.flagged = record.flagged;
  const form = record.form;
  if (typeof form === "object" && form !== null) {
    const f = form as Record<string, unknown>;
    if (typeof f.error === "string" && (FORM_NAMES as readonly unknown[]).includes(f.form)) {
      const values: Record<string, string> = {};
      if (typeof f.values === "object" && f.values !== null) {
        for (const [key, value] of Object.entries(f.values))
          if (typeof value === "string") values[key] = value;
      }
      flash.form = { form: f.form as FormName, error: f.error, values };
      if (typeof f.field === "string") flash.form.field = f.field;
    }
  }
  return flash.message === undefined && flash.form === undefined ? undefined : flash;
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  maxAge: number;
}

/** A flash only has to survive one redirect. */
export function flashCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 60 };
}
