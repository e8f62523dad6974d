;;; eglot-check.el --- the editors tier's scenario in Emacs with eglot  -*- lexical-binding: t -*-
;; Run in batch after the README's configuration (docs/editors/eglot.el). Writes what eglot saw to
;; $PL_OUT as JSON for eglot.test.ts to check; it asserts nothing itself. $PL_TREE: the tree;
;; $PL_SIGNAL: a folder for the "rebuild now" / "rebuilt" handshake with the test, which rebuilds
;; the object from outside the editor.
(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'flymake)

(defvar pl-tree (getenv "PL_TREE"))
(defvar pl-signal (getenv "PL_SIGNAL"))
(defvar pl-pdir (expand-file-name "arch/x86/purgatory" pl-tree))
(defvar pl-seen nil "Alist of what was seen, written out as JSON.")

(defun pl-see (key value) (push (cons key value) pl-seen))

(defun pl-wait (pred &optional seconds)
  "Let eglot's process run until PRED holds or SECONDS (default 20) pass."
  (let ((deadline (+ (float-time) (or seconds 20))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun pl-diagnostics ()
  "The current buffer's flymake diagnostics, as eglot made them from the server's."
  (save-restriction
    (widen)
    (mapcar (lambda (d)
              (let ((lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))))
                    (beg (flymake-diagnostic-beg d)))
                `((line . ,(1- (line-number-at-pos beg)))
                  (text . ,(buffer-substring-no-properties beg (flymake-diagnostic-end d)))
                  (type . ,(symbol-name (flymake-diagnostic-type d)))
                  (code . ,(plist-get lsp :code))
                  (message . ,(flymake-diagnostic-text d)))))
            (flymake-diagnostics))))

(defun pl-has-code (code)
  (cl-some (lambda (d) (equal (alist-get 'code d) code)) (pl-diagnostics)))

(defun pl-visit (file)
  "Visit FILE as a user would: its mode hook starts eglot (eglot-ensure connects after a command),
and Flymake starts, which an interactive Emacs does once the buffer is displayed after a command."
  (find-file file)
  (run-hooks 'post-command-hook)
  (pl-wait (lambda () eglot--managed-mode) 10)
  (flymake-start))

(condition-case err
    (progn
      ;; 1. The C source: eglot connects; diagnostics arrive on the purgatory_sha_regions line.
      (pl-visit (expand-file-name "purgatory.c" pl-pdir))
      (pl-see 'managed (and eglot--managed-mode t))
      (pl-wait (lambda () (pl-has-code "reloc-overflow")))
      (pl-see 'c_diagnostics (pl-diagnostics))
      ;; 2. The hover, through eglot's own eldoc function.
      (goto-char (point-min))
      (search-forward "purgatory_sha_regions")
      (backward-char 5)
      (let (hover)
        (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover info)))
        (pl-wait (lambda () hover) 10)
        (pl-see 'hover (and hover (substring-no-properties hover))))
      ;; 3. The Makefile: diagnostics on the -mcmodel line, the quick fix picked from eglot's menu
      ;;    (completing-read, as without a mouse), applied by eglot, saved.
      (pl-visit (expand-file-name "Makefile" pl-pdir))
      (pl-wait (lambda () (pl-has-code "reloc-overflow")))
      (pl-see 'makefile_diagnostics (pl-diagnostics))
      (goto-char (point-min))
      (search-forward "PURGATORY_CFLAGS := -mcmodel=large")
      (backward-char 3)
      (let ((titles nil)
            (last-nonmenu-event ?x))
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt items &rest _)
                     (setq titles (mapcar #'car items))
                     (cl-find-if (lambda (title)
                                   (string-match-p "-mcmodel=small -fpic -fvisibility=hidden" title))
                                 titles))))
          (eglot-code-actions (line-beginning-position) (line-end-position) nil t))
        (pl-see 'code_actions titles))
      (save-buffer)
      (pl-see 'saved_makefile (with-temp-buffer
                                (insert-file-contents (expand-file-name "Makefile" pl-pdir))
                                (buffer-string)))
      ;; 4. A rebuild outside the editor; the diagnostics follow with nothing from eglot.
      (pl-see 'before_rebuild (pl-diagnostics))
      (write-region "" nil (expand-file-name "rebuild-now" pl-signal))
      (pl-wait (lambda () (file-exists-p (expand-file-name "rebuilt" pl-signal))) 60)
      (pl-wait (lambda () (not (pl-has-code "entry-multiple-sections"))))
      (pl-see 'after_rebuild (pl-diagnostics))
      ;; 5. Re-simulation through workspace/executeCommand.
      (let ((server (eglot-current-server)))
        (pl-see 'resimulate (eglot-execute-command server 'purgatoryLens.resimulate nil))
        (pl-see 'events (with-current-buffer (jsonrpc-events-buffer server)
                          (buffer-substring-no-properties (point-min) (point-max))))))
  (error (pl-see 'error (format "%S" err))
         (when-let ((server (eglot-current-server)))
           (pl-see 'events (with-current-buffer (jsonrpc-events-buffer server)
                             (buffer-substring-no-properties (point-min) (point-max)))))))

(with-temp-file (getenv "PL_OUT")
  (insert (json-encode pl-seen)))
(kill-emacs 0)
