/** The file name of a `Content-Disposition: attachment; filename="..."` header. */
export const fileNameOf = (contentDisposition: string | null | undefined, fallback: string) => {
  if (!contentDisposition) return fallback;
  const star = contentDisposition.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = contentDisposition.match(/filename="([^"]+)"/i) ?? contentDisposition.match(/filename=([^;]+)/i);
  return plain ? plain[1].trim() : fallback;
};

/** Saves a blob under a name, the way Strapi's admin downloads its own exports. */
export const downloadBlob = (blob: Blob, fileName: string) => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // revoked later: revoking at once can abort the download
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};
