import { exitOnStartupError, main } from "../../server/main";

main(process.argv.slice(2)).catch(exitOnStartupError);
