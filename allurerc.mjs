// Allure 3 (npm package "allure", Node only) settings for hacert's HTML report; see docs/reports.md.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// paths are relative to this file, so `allure generate --config <checkout>/allurerc.mjs` works from anywhere
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const results = here("reports/allure-results");
const categories = `${results}/categories.json`;

export default {
  name: "hacert",
  resultsDir: results,
  output: here("reports/allure-report"),
  // one line per run; outside the results and the report, which each run replaces
  historyPath: here("reports/allure-history.jsonl"),
  historyLimit: 20,
  // hacert writes Allure 2's categories.json; Allure 3 takes category rules only from its config
  categories: existsSync(categories) ? JSON.parse(readFileSync(categories, "utf8")) : undefined,
  plugins: {
    awesome: {
      options: { reportName: "hacert", singleFile: true },
    },
  },
};
