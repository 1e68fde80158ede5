// The sign-in page's browser code, inlined: it sends the token with the XSRF header and reloads into
// the console once the server has set the session cookie.

export const SIGN_IN_SCRIPT = `
(function () {
  var form = document.getElementById('signin');
  var err = form.querySelector('.errors');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    err.textContent = '';
    var button = form.querySelector('button');
    button.disabled = true;
    fetch('/admin/data-pipeline/session', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Atlassian-Token': 'no-check' },
      body: JSON.stringify({ token: form.token.value.trim() })
    }).then(function (r) {
      if (r.ok) { location.reload(); return; }
      return r.json().then(function (b) { err.textContent = (b.errors && b.errors[0] && b.errors[0].message) || ('Sign-in failed (' + r.status + ')'); });
    }).catch(function () { err.textContent = 'Cannot reach the server'; })
      .finally(function () { button.disabled = false; });
  });
})();
`;
