# A stand-in for OpenWrt's package.mk (include/package.mk and
# package-pack.mk in openwrt/openwrt) for the tests. Like OpenWrt:
# Download definitions name files in $(DL_DIR) (here the Debian files that
# third_party/fetch.sh downloaded); BuildPackage is expanded by call and
# eval, so recipes see one more expansion (and make expands a whole recipe
# before running its first line: the $(file) writes come after a mkdir made
# during that expansion); CFLAGS and LDFLAGS come in the
# environment, CC, AR and STRIP on the command line (Debian's big-endian
# MIPS cross compiler instead of OpenWrt's toolchain). Targets:
#   compile   Build/Prepare, the build, Package/NAME/install into ipkg/
#   ipkg      only Package/NAME/install (PKG_BUILD_DIR holding a built
#             binary), with the control data package-pack.mk writes:
#             CONTROL/control (Require-User from USERID), CONTROL/conffiles
#             and CONTROL/postinst-pkg (Package/NAME/postinst, expanded once)
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
MAKE_FLAGS = CC=mips-linux-gnu-gcc AR=mips-linux-gnu-ar STRIP=mips-linux-gnu-strip ARCH=mips
MAKE_VARS = CFLAGS="-Os -pipe -mips32r2" LDFLAGS=""

define Download
  $$(if $$(filter compile,$$(MAKECMDGOALS)),$$(if $$(wildcard $(DL_DIR)/$$(FILE)),,$$(error $(1): $$(FILE) not in $(DL_DIR))))
endef

define BuildPackage
$(eval $(Package/$(1)))
compile:
	$(Build/Prepare)
	$(MAKE_VARS) $(MAKE) -j4 -C $(PKG_BUILD_DIR) $(MAKE_FLAGS)
	$(call Package/$(1)/install,$(TOPDIR)/ipkg)

ipkg:
	@: $$(shell mkdir -p $(TOPDIR)/ipkg/CONTROL)
	$(call Package/$(1)/install,$(TOPDIR)/ipkg)
	printf '%s\n' "Package: $(1)" "Version: $(PKG_VERSION)-$(PKG_RELEASE)" \
		"Require-User: $(USERID)" "Maintainer: $(PKG_MAINTAINER)" \
		"License: $(PKG_LICENSE)" >$(TOPDIR)/ipkg/CONTROL/control
	$$(file >$(TOPDIR)/ipkg/CONTROL/conffiles,$$(call Package/$(1)/conffiles))
	$$(file >$(TOPDIR)/ipkg/CONTROL/postinst-pkg,$$(call Package/$(1)/postinst))
endef
