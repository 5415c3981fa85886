/** The page shell: no data in it, so it can be public; the script fills it from the API. */
export function statusPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rampart — rollouts</title>
<link rel="stylesheet" href="/status-page/status-page.css">
<script src="/status-page/status-page.js" defer></script>
</head>
<body>
<header>
  <h1>rampart <span class="sub">rollouts</span></h1>
  <div id="session" hidden>
    <span id="updated" aria-live="off"></span>
    <button type="button" id="logout">Log out</button>
  </div>
</header>
<main>
  <p id="error" role="alert" hidden></p>
  <form id="login" hidden>
    <h2>Log in</h2>
    <p>Paste an API token (viewer to watch; operator or admin to start, pause, resume, approve or roll back).
    It stays in this tab only (sessionStorage).</p>
    <label for="token">API token</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <button type="submit">Log in</button>
  </form>
  <div id="rollouts"></div>
</main>
<footer>Refreshes every 1.5 s · data from <code>/api/rollouts</code></footer>
</body>
</html>
`;
}
