;; Purgatory Lens in Emacs with eglot (init.el). It starts in a tree that has a purgatory,
;; arch/*/purgatory/ (a kernel) or purgatory/ (kexec-tools), for Makefiles and Kbuild files,
;; C and assembly sources and linker scripts (*.lds, *.ld: ld-script-mode; *.lds.S: asm-mode).
;; Eglot runs one server per buffer: for C and assembly this takes the place of clangd, so drop
;; c-mode and asm-mode from both lists below to keep clangd there.
(require 'eglot)
(add-to-list 'auto-mode-alist '("/Kbuild\\'" . makefile-gmake-mode))
(add-to-list 'eglot-server-programs
             '((makefile-gmake-mode makefile-mode ld-script-mode asm-mode c-mode c-ts-mode)
               . ("purgatory-lens" "lsp" "--stdio")))
;; Settings take the VS Code settings' names, e.g.
;;   ("purgatory-lens" "lsp" "--stdio"
;;    :initializationOptions (:purgatoryLens (:kernelVersion "6.8" :ramSize "16G")))

(defun purgatory-lens-tree-p (file)
  "Non-nil if FILE is in a kernel or kexec-tools tree with a purgatory."
  (let ((kernel (locate-dominating-file file "arch"))
        (kexec-tools (locate-dominating-file file "configure.ac")))
    (or (and kernel (file-expand-wildcards (expand-file-name "arch/*/purgatory" kernel)))
        (and kexec-tools (file-directory-p (expand-file-name "purgatory" kexec-tools))))))

(defun purgatory-lens-eglot-ensure ()
  (when (and buffer-file-name (purgatory-lens-tree-p buffer-file-name))
    (eglot-ensure)))

(dolist (hook '(makefile-gmake-mode-hook makefile-mode-hook ld-script-mode-hook
                asm-mode-hook c-mode-hook c-ts-mode-hook))
  (add-hook hook #'purgatory-lens-eglot-ensure))
