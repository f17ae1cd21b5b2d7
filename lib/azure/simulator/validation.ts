/** Checks ARM applies to every resource body: location and tags. */
import { ArmError, locationRequired } from "./errors";
import { isObject } from "./json";
import { T } from "./provider";
import { resourceGroupLocation, resourceLocation } from "./regions";
import type { Json } from "./store";

/** The location of a PUT body, required and normalised; refused like ARM when the type is not offered there. */
export function requireLocation(body: Json, type: string): string {
  const location = body.location;
  if (typeof location !== "string" || location.length === 0) throw locationRequired();
  return type === T.rg ? resourceGroupLocation(location) : resourceLocation(location, type);
}

/** Tags as ARM limits them (tag-resources doc): at most 50, names without < > % & \\ ? /, values of at most 256. */
export function validTags(body: Json): Json {
  const tags = body.tags;
  if (tags === undefined || tags === null) return {};
  if (!isObject(tags)) throw new ArmError(400, "InvalidTag", "The tags must be an object of string values.");
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new ArmError(400, "InvalidTag", "The number of tags exceeds the limit of 50.");
  for (const [k, v] of entries) {
    if (k.length > 512 || /[<>%&\\?/]/.test(k))
      throw new ArmError(
        400,
        "InvalidTagNameCharacters",
        `The tag names '${k}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
      );
    if (typeof v !== "string" || v.length > 256)
      throw new ArmError(400, "InvalidTag", `The tag value of '${k}' must be a string of at most 256 characters.`);
  }
  return tags;
}
