// The kbuild/source side of the core: reading what kbuild recorded and where things are in the tree.
// Plain data in, plain data out; all file access goes through TreeFs.
export * from "./tree-fs";
export * from "./memory-fs";
export * from "./node-fs";
export * from "./shell";
export * from "./cmdfile";
export * from "./compile";
export * from "./makefile";
export * from "./glob";
export * from "./discover";
export * from "./mask";
export * from "./locate";
export * from "./kexec-tools-tree";
export * from "./release";
