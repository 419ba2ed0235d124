namespace MagNet.ML;

/// <summary>
/// Which object of a synthetic scene a predicted mask lands on: separates grounding errors (the mask covers another
/// object than the one referred to) from mask errors (the right object, a poor outline), which IoU alone mixes.
/// </summary>
public static class SyntheticGrounding
{
    /// <summary>
    /// The draw order of the object whose visible part holds the most predicted pixels (the lowest order on a tie), or
    /// −1 when no predicted pixel lies on an object (an empty mask, or one on the background only).
    /// </summary>
    /// <exception cref="ArgumentException">The mask's size differs from the scene's canvas.</exception>
    public static int PickedObject(SceneGraph scene, BinaryMask prediction)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Width != scene.CanvasSize || prediction.Height != scene.CanvasSize)
            throw new ArgumentException($"The predicted mask is {prediction.Width}×{prediction.Height}; the scene is {scene.CanvasSize}×{scene.CanvasSize}.", nameof(prediction));
        int picked = -1;
        long most = 0;
        for (int order = 0; order < scene.Objects.Count; order++)
        {
            var visible = scene.VisibleMask(order).Data;
            long overlap = 0;
            for (int i = 0; i < visible.Length; i++)
                if (visible[i] != 0 && prediction.Data[i] != 0) overlap++;
            if (overlap > most)
            {
                most = overlap;
                picked = order;
            }
        }
        return picked;
    }
}
