import { headers } from "next/headers";
import {
  decodeFlash,
  FLASH_HEADER,
  fromHeaderValue,
  type Flash,
  type FormFeedback,
  type FormName,
} from "./flash";

/** The flash `proxy.ts` took off this request, if any (see `flash.ts`). */
export async function readFlash(): Promise<Flash> {
  return decodeFlash(fromHeaderValue((await headers()).get(FLASH_HEADER))) ?? {};
}

/** The error a plain form post of this form was redirected back with. */
export function feedbackFor(flash: Flash, form: FormName): FormFeedback | undefined {
  return flash.form?.form === form ? flash.form : undefined;
}
