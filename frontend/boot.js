// Starts the web app. A file, not an inline script, so the pages' content security policy can
// forbid inline scripts; the build fills in the hashed folder the modules are in.
import init from "/assets/{{APP}}/duely.js";
init({ module_or_path: "/assets/{{APP}}/duely_bg.wasm" });
