# A stand-in for OpenWrt's rules.mk for building tools/openwrt/Makefile in
# the tests (test/it_packaging.sh, test/it_openwrt.py): the directory and
# install variables package Makefiles use.
INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR:=$(TOPDIR)/build_dir
DL_DIR:=$(TOPDIR)/dl
CP:=cp -fpR
TAR:=tar
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_CONF:=install -m0600
