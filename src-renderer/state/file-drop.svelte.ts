/**
 * A region that takes dropped files: `over` while something is dragged over it (the view marks
 * it), the drop handed on as files. The handlers go on the region's element as they are.
 */
export class FileDrop {
  over = $state(false);
  #onfiles: (files: File[]) => void;

  constructor(onfiles: (files: File[]) => void) {
    this.#onfiles = onfiles;
  }

  ondragover = (e: DragEvent): void => {
    e.preventDefault();
    this.over = true;
  };

  ondragleave = (): void => {
    this.over = false;
  };

  ondrop = (e: DragEvent): void => {
    e.preventDefault();
    this.over = false;
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length > 0) this.#onfiles(files);
  };
}
