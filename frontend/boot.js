// Starts the web app. A file, not an inline script, so the pages' content security policy can
// forbid inline scripts; the build fills in the hashed names.
import init from "/assets/{{JS}}";
init({ module_or_path: "/assets/{{WASM}}" });
