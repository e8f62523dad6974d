" Purgatory Lens in Vim with vim-lsp (vimrc). It attaches to Makefiles and Kbuild files, C and
" assembly sources and linker scripts (*.lds, *.ld: filetype ld; *.lds.S: asm) in a tree with a
" purgatory; the workspace is the folder with arch/ (a kernel) or configure.ac (kexec-tools).
augroup purgatory_lens
  autocmd!
  autocmd BufRead,BufNewFile Kbuild setfiletype make
  autocmd BufRead,BufNewFile *.lds setfiletype ld
  autocmd BufRead,BufNewFile *.lds.S setfiletype asm
  autocmd User lsp_setup call lsp#register_server({
        \ 'name': 'purgatory-lens',
        \ 'cmd': {server_info -> ['purgatory-lens', 'lsp', '--stdio']},
        \ 'root_uri': {server_info -> lsp#utils#path_to_uri(
        \     lsp#utils#find_nearest_parent_file_directory(
        \         lsp#utils#get_buffer_path(), ['arch/', 'configure.ac']))},
        \ 'allowlist': ['make', 'c', 'asm', 'ld'],
        \ 'initialization_options': {'purgatoryLens': {}},
        \ })
augroup END
