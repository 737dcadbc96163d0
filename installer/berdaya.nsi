; Berdaya per-user installer (NSIS 3, Modern UI 2).
;
; Built by installer/build.py, which passes:
;   -DAPP_VERSION=0.1.0  -DAPP_VERSION_WIN=0.1.0.1000  -DDIST_DIR=<frozen folder>  -DOUT_FILE=<setup.exe>
;
; Installs for the current user only (no administrator prompt) into
; %LOCALAPPDATA%\Programs\Berdaya. The user's data lives in %LOCALAPPDATA%\Berdaya (platformdirs
; user_data_dir("Berdaya", "Berdaya") and its Logs folder) and is never touched by install or
; upgrade; the uninstaller removes it only when "hapus data" is ticked (or /DELETEDATA is given).
;
; Exit codes (silent mode): 0 ok, 2 Berdaya is running, 3 a newer version is installed.
;   -DNO_COMPRESSION (optional): store files uncompressed, for quick checks.
;   -DNSIS_TARGET=amd64-unicode (optional): 64-bit installer stub (default x86-unicode).
; Silent options: /S (silent), /D=<dir> (install dir), /DOWNGRADE (allow installing an older
; version over a newer one), uninstaller: /S, /DELETEDATA.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
; x86-unicode by default: the official NSIS for Windows (Chocolatey) ships no amd64 stubs. A
; 32-bit installer installs the 64-bit app fine: %LOCALAPPDATA% and HKCU\Software are not
; redirected for 32-bit processes. The Linux check passes -DNSIS_TARGET=amd64-unicode because
; Debian's wine64 cannot run 32-bit programs.
!ifndef NSIS_TARGET
  !define NSIS_TARGET "x86-unicode"
!endif
Target ${NSIS_TARGET}
; Releases use solid LZMA (smallest download, ~2 min per 200 MB on one core); the Linux packaging
; check passes -DNO_COMPRESSION because it only proves the script compiles and installs.
!ifdef NO_COMPRESSION
  SetCompress off
!else
  SetCompressor /SOLID lzma
  SetCompressorDictSize 32
!endif

!ifndef APP_VERSION
  !error "pass -DAPP_VERSION=x.y.z (use installer/build.py)"
!endif
!ifndef APP_VERSION_WIN
  !error "pass -DAPP_VERSION_WIN=a.b.c.d (use installer/build.py)"
!endif
!ifndef DIST_DIR
  !error "pass -DDIST_DIR=<frozen Berdaya folder> (use installer/build.py)"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "Berdaya-${APP_VERSION}-setup.exe"
!endif

!define APP_NAME "Berdaya"
!define APP_EXE "Berdaya.exe"
!define PUBLISHER "Dinas Sosial"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define UNINST_EXE "uninstall.exe"
; Created by installer/launcher.py for as long as Berdaya runs (Local\ = this logon session).
!define APP_MUTEX "Local\Berdaya.App"
!define ICON_FILE "..\resources\icons\berdaya.ico"

!if ! /FileExists "${DIST_DIR}\${APP_EXE}"
  !error "${DIST_DIR}\${APP_EXE} not found: freeze the app first (installer/build.py freeze)"
!endif

Name "${APP_NAME} ${APP_VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; Upgrades go where the previous version is, even if the user chose another folder then.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${APP_VERSION}"

VIProductVersion "${APP_VERSION_WIN}"
VIFileVersion "${APP_VERSION_WIN}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${APP_VERSION_WIN}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Berdaya contributors"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${UNINST_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_UNCOMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default.
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString MsgRunning ${LANG_INDONESIAN} "Berdaya sedang berjalan.$\r$\n$\r$\nSimpan pekerjaan Anda, tutup Berdaya, lalu pilih Coba Lagi."
LangString MsgRunning ${LANG_ENGLISH} "Berdaya is running.$\r$\n$\r$\nSave your work, close Berdaya, then choose Retry."
LangString MsgNewer ${LANG_INDONESIAN} "Versi Berdaya yang sudah terpasang ($0) lebih baru daripada versi ini (${APP_VERSION}).$\r$\n$\r$\nData yang sudah dibuka versi baru tidak dapat dibuka oleh versi lama. Tetap pasang versi lama?"
LangString MsgNewer ${LANG_ENGLISH} "The installed Berdaya ($0) is newer than this version (${APP_VERSION}).$\r$\n$\r$\nData opened by the newer version cannot be opened by an older one. Install the older version anyway?"
LangString SecProgram ${LANG_INDONESIAN} "Program Berdaya"
LangString SecProgram ${LANG_ENGLISH} "Berdaya program"
LangString SecData ${LANG_INDONESIAN} "Hapus data (basis data, cadangan, catatan, pengaturan) di $LOCALAPPDATA\${APP_NAME}"
LangString SecData ${LANG_ENGLISH} "Delete data (database, backups, logs, settings) in $LOCALAPPDATA\${APP_NAME}"

Var Options

; Refuse to continue while Berdaya runs: files in use cannot be replaced, and a half-replaced
; program folder is worse than none. The mutex catches Berdaya started from any folder; the
; write-open test catches an exe that is running but predates the mutex.
!macro CheckNotRunning UN
Function ${UN}CheckNotRunning
  retry:
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${APP_MUTEX}") p .r1'
    ${If} $1 P<> 0
      System::Call 'kernel32::CloseHandle(p r1)'
      Goto running
    ${EndIf}
    ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
      ClearErrors
      FileOpen $1 "$INSTDIR\${APP_EXE}" a
      ${If} ${Errors}
        Goto running
      ${EndIf}
      FileClose $1
    ${EndIf}
    Return
  running:
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(MsgRunning)" /SD IDCANCEL IDRETRY retry
    SetErrorLevel 2
    Quit
FunctionEnd
!macroend
!insertmacro CheckNotRunning ""
!insertmacro CheckNotRunning "un."

Function .onInit
  ${GetParameters} $Options
  !insertmacro MUI_LANGDLL_DISPLAY
  Call CheckNotRunning

  ; Warn before replacing a newer version with an older one.
  ReadRegStr $0 HKCU "${UNINST_KEY}" "DisplayVersion"
  ReadRegStr $1 HKCU "${UNINST_KEY}" "VersionWin"
  ${If} $1 != ""
    ${VersionCompare} "$1" "${APP_VERSION_WIN}" $2
    ${If} $2 == 1
      ClearErrors
      ${GetOptions} $Options "/DOWNGRADE" $3
      ${If} ${Errors}
        MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(MsgNewer)" /SD IDNO IDYES allow
        SetErrorLevel 3
        Quit
        allow:
      ${EndIf}
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "Berdaya" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; Replace the program folder wholesale so modules dropped in this version do not linger.
  ; Only our own folder is removed: the user may have chosen a shared parent directory.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}\*.*"

  WriteUninstaller "$INSTDIR\${UNINST_EXE}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${APP_VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "VersionWin" "${APP_VERSION_WIN}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINST_EXE}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINST_EXE}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "!un.$(SecProgram)" SecUnProgram
  SectionIn RO
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  ; Remove only what the installer put there, never the whole folder recursively: the user may
  ; have installed into a folder that holds other files.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${UNINST_EXE}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.$(SecData)" SecUnData
  RMDir /r "$LOCALAPPDATA\${APP_NAME}"
  ; QSettings (organisation Berdaya): language and window layout.
  DeleteRegKey HKCU "Software\${APP_NAME}"
SectionEnd

; After the sections: SecUnData must be declared before it is used.
Function un.onInit
  ${GetParameters} $Options
  !insertmacro MUI_UNGETLANGUAGE
  Call un.CheckNotRunning
  ClearErrors
  ${GetOptions} $Options "/DELETEDATA" $0
  ${IfNot} ${Errors}
    SectionSetFlags ${SecUnData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
