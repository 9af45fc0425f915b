import { exitOnStartupError, prepareDatabase } from "../../server/main";

// The one-shot migration step of a deployment: apply pending migrations, then exit.
prepareDatabase({ migrate: true })
  .then((database) => database.close())
  .catch(exitOnStartupError);
