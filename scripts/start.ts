import { exitOnStartupError, main } from "../lib/server/main";

main(process.argv.slice(2)).catch(exitOnStartupError);
