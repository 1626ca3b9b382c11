// Runs the CLI from source for child-process tests (`node --import tsx test/cli/cli-entry.ts …`),
// so tests do not depend on a fresh `npm run build`.
import { main } from "../../src/cli/main.js";

await main();
