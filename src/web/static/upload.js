// Sends the chosen package as the request's raw body (as the API takes it)
// and shows how much has gone; then opens the deposit's job page.
(function () {
  'use strict';
  var form = document.getElementById('upload');
  if (!form) return;
  var bar = document.getElementById('upload-progress');
  var status = document.getElementById('upload-status');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('paket');
    var file = input.files && input.files[0];
    if (!file) return;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'));
    xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf'));
    xhr.setRequestHeader('Content-Type', /\.zip$/i.test(file.name) ? 'application/zip' : 'application/x-tar');
    bar.hidden = false;
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor(e.loaded * 100 / e.total);
      bar.value = percent;
      status.textContent = percent + ' %';
    });
    xhr.addEventListener('load', function () {
      var job = null;
      try { job = JSON.parse(xhr.responseText); } catch (e) { job = null; }
      if (xhr.status === 202 || xhr.status === 200) {
        if (job && job.id) { window.location.href = '/personal/inleveranser/' + encodeURIComponent(job.id); return; }
      }
      var message = job && job.error && job.error.message ? job.error.message : ('HTTP ' + xhr.status);
      status.textContent = message;
    });
    xhr.addEventListener('error', function () { status.textContent = 'network error'; });
    xhr.send(file);
  });
}());
